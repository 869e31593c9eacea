/** Locations inside the installed package (the same from src/ under tsx and from dist/). */
import path from "node:path";

/** The package root: the folder holding package.json, data/ and msticpyconfig.yaml. */
export const PACKAGE_ROOT = path.resolve(__dirname, "..", "..");

/** The bundled lab data and query definitions. */
export const LAB_DATA_DIR = path.join(PACKAGE_ROOT, "data");
