export { QueryBrowser, queryCallExample, type QueryBrowserOptions } from "./queryBrowser";
