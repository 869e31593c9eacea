/**
 * The part of leaflet.markercluster's API the map view (views/geoMap.ts) uses. Declared here, not
 * taken from @types/leaflet.markercluster: that package would bring
 * @types/leaflet back into node_modules/@types, and tslab type-checks every
 * notebook cell against every package there (README, "Notebook type check").
 */
import "leaflet";

declare module "leaflet" {
  class MarkerCluster extends Marker {
    getAllChildMarkers(): Marker[];
    getChildCount(): number;
  }

  interface MarkerClusterGroupOptions extends LayerOptions {
    chunkedLoading?: boolean;
    chunkInterval?: number;
    chunkDelay?: number;
    chunkProgress?: (processed: number, total: number, elapsed: number) => void;
    iconCreateFunction?: (cluster: MarkerCluster) => Icon | DivIcon;
    /** Animate splitting and merging clusters on zoom. Default true. */
    animate?: boolean;
  }

  class MarkerClusterGroup extends FeatureGroup {
    constructor(options?: MarkerClusterGroupOptions);
    addLayers(layers: Layer[], skipLayerAddEvent?: boolean): this;
    /** The bubble or marker that shows `marker` now (null when neither is on the map). */
    getVisibleParent(marker: Marker): Marker | null;
  }

  function markerClusterGroup(options?: MarkerClusterGroupOptions): MarkerClusterGroup;
}
