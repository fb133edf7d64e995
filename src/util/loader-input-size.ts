// The bundle's loader passes the program this function (src/build/bundle-loader.ts); outside the bundle there is none.
declare const __bundleInputBytes: ((bytes: number) => void) | undefined;

/** Tells the bundle's loader how many bytes of input the run reads: it keeps the compiled code of small runs (SMALL_RUN_BYTES). */
export function tellLoaderInputSize(bytes: number): void {
  if (typeof __bundleInputBytes === "function") __bundleInputBytes(bytes);
}
