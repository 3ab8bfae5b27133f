export {
  type HelmSubchart,
  type HelmValuesFile,
  type HelmValuesOptions,
  HELM_SUBCHARTS,
  HelmValuesSchema,
  generateHelmValues,
  toHelmValuesSchema,
} from './helm.js';
