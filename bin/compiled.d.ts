/** Types of bin/compiled.js (the compiled command line), for the tests. */
export declare function sourcesKey(base?: string): string;
export declare const bundlesDir: string;
export declare function compiledCommandLine(): Promise<{ runCommandLine(args: string[]): Promise<void> } | undefined>;
