// Entry point of the analysis worker of the Node extension host (dist/extension/analysisWorker.js,
// started by analysisWorkerPool.ts).
import { workerData } from 'node:worker_threads';
import { isAnalysisWorker, startAnalysisWorker } from './analysisWorkerMain';

if (isAnalysisWorker()) startAnalysisWorker(workerData.port, workerData);
