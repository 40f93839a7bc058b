export declare const databases: readonly string[];
