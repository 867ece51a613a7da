// The door to lib/importers: identities from real inventories' files. Everything outside imports
// from "@/lib/importers" (eslint enforces it).
export { canImport, importFromCommandLine, importIdentities, MAX_FILE_BYTES, type ImportOutcome } from "./apply";
export { FORMAT_NAMES, FORMATS } from "./formats";
export { CSV_COLUMNS } from "./formats/csv";
export { importRequest } from "./upload-http";
