export { CsvFileError } from './csv-file-error';
export { parseLabelCsv, readLabelCsv, LABEL_COLUMNS, type LabelRow } from './label-csv';
export { parsePredictionCsv, readPredictionCsv, PREDICTION_COLUMNS, type PredictionRow } from './prediction-csv';
