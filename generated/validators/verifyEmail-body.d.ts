// Generated from openapi.yaml by scripts/generate.ts. Do not edit.
import type { ValidateFunction } from 'ajv';
import type { components, operations } from '../api-types';

declare const validate: ValidateFunction<components['schemas']['VerifyEmailRequest']>;
export default validate;
