/** How one event ended. Failures that should be retried are thrown instead. */
export type ProcessResult =
  | {
      readonly status: 'scored' | 'parse_failed';
      readonly bucket: string;
      readonly key: string;
      readonly monitoringFileId: number;
      readonly runId: number;
      readonly runCreated: boolean;
      readonly runDate: string;
      readonly runHour: number;
      readonly score: number;
      readonly passed: boolean;
      readonly latestScore: number | null;
      readonly rows: number | null;
    }
  | {
      readonly status: 'skipped';
      readonly bucket: string;
      readonly key: string;
      readonly reason: 'key_unmatched' | 'unknown_file';
      readonly message: string;
    };
