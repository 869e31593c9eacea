/** Long text cut for display: in src/common (messages there cut names too). */
export * from "../common/cutText";
