export {
  generateHelmValues,
  HELM_SUBCHARTS,
  type HelmSubchart,
  type HelmValuesFile,
  type HelmValuesOptions,
  HelmValuesSchema,
  toHelmValuesSchema,
} from './helm.js';
