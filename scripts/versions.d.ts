/** Types of scripts/versions.js. */
export declare function markUsed(entry: string): Promise<void>;
export declare function forgetOtherVersions(dir: string, keep: string, isVersion?: (name: string) => boolean): Promise<void>;
