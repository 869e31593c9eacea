/** Invisible characters made visible: in src/common (messages there reveal names too), shared with display and the browser views. */
export * from "../common/hiddenChars";
