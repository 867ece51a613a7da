// The paging and URL-state kit every list uses (README, "How it is built"). Nothing here touches
// the database, so pages and client components may import it.
export {
  BROKEN_CURSOR,
  cursorParam,
  cursorToken,
  decodeCursor,
  encodeCursor,
  idPart,
  instantPart,
  readCursor,
} from "./cursor";
export { dayEnd, dayStart, isoDayParam } from "./dates";
export { href, PAGING_KEYS, type ParamValue, type Params } from "./href";
export { flag, flagParam, pageNumber, pageSize, searchInput, type RawParams } from "./params";
