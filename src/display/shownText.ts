/** Text from data as messages and text forms show it: in src/common, whose messages quote column names too. */
export * from "../common/shownText";
