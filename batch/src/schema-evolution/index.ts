/** The schema evolution demo (re-exported by the package index). */
export {
  runSchemaEvolutionDemo,
  storedDataFiles,
  type SchemaEvolutionOptions,
  type SchemaEvolutionReport,
  type StoredFile,
} from './schema-evolution-demo.js';
