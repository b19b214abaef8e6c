/** The run history: records from load and certify out dirs, the store, and the trend over it. */
export { recordFromLoadDir, type LoadRunContext } from './record-from-load';
export { recordFromCertifyDir } from './record-from-certify';
export { describeRecorded, recordFromOutDir, recordOutDir } from './record-from-dir';
export { appendRun, checkStore, readHistory, type HistoryFilter, type IndexEntry } from './store';
export { RUN_RECORD_FORMAT, type RunRecord } from './run-record';
export { trendOf, compareGroup, median, type TrendReport, type GroupTrend, type Comparison } from './trend';
export { DEFAULT_LAST, DEFAULT_THRESHOLDS, type TrendThresholds } from './thresholds';
export { writeTrendReports } from './write-trend';
