export declare const README_SHOTS: string[];
