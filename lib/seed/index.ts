// The door to lib/seed: what the rest of the app may call. Modules inside the domain import
// each other directly; everything outside imports from "@/lib/seed" (eslint enforces it).
export { seedDatabase } from "./seed";
