export { CsvFileError } from './csv-file-error';
export { parseLabelCsv, readLabelCsv, LABEL_COLUMNS, type LabelRow } from './label-csv';
export { parsePredictionCsv, readPredictionCsv, PREDICTION_COLUMNS, type PredictionRow } from './prediction-csv';
export { parseFaceBoxCsv, readFaceBoxCsv, FACE_BOX_COLUMNS, type FaceBox, type FaceBoxRow } from './face-box-csv';
export { parseLandmarkCsv, readLandmarkCsv, MIN_LANDMARKS, type LandmarkPoint, type LandmarkRow } from './landmark-csv';
