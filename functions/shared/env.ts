/**
 * Reads configuration variables and fails with an error that names the variable. Secrets may come
 * from SSM Parameter Store instead: when `<NAME>_PARAMETER` holds a parameter name, the value is
 * that SecureString, so no secret has to sit in a function's environment.
 */
import { ConfigError, DependencyUnavailable } from './errors';

/** A variable's value, or undefined when it is unset or empty (Terraform writes "" for null). */
export function readVariable(name: string): string | undefined {
  const value = process.env[name];
  return value === undefined || value === '' ? undefined : value;
}

export function requiredVariable(name: string): string {
  const value = readVariable(name);
  if (value === undefined) throw new ConfigError(name, `${name} is required`);
  return value;
}

/** Non-secret values are quoted in errors to make typos obvious; long ones are cut. */
function quote(value: string): string {
  return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
}

export function integerVariable(name: string, range: { fallback: number; min: number; max: number }): number {
  const raw = readVariable(name);
  if (raw === undefined) return range.fallback;
  const value = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < range.min || value > range.max) {
    throw new ConfigError(name, `${name} must be a whole number from ${range.min} to ${range.max}, got ${quote(raw)}`);
  }
  return value;
}

export function matchingVariable(name: string, pattern: RegExp, fallback: string, expected: string): string {
  const value = readVariable(name) ?? fallback;
  if (!pattern.test(value)) throw new ConfigError(name, `${name} must be ${expected}, got ${quote(value)}`);
  return value;
}

export function choiceVariable<const T extends string>(name: string, choices: readonly T[], fallback: T): T {
  const raw = readVariable(name);
  if (raw === undefined) return fallback;
  const value = choices.find((choice) => choice === raw.toUpperCase());
  if (value === undefined)
    throw new ConfigError(name, `${name} must be one of ${choices.join(', ')}, got ${quote(raw)}`);
  return value;
}

/** A secret and where it came from, so that a later check can name the right source. */
export interface Secret {
  value: string;
  /** The variable to fix when the value is wrong. */
  variable: string;
  /** How to describe the source in an error, without the value. */
  source: string;
}

/** SSM answers that mean the deployment is wrong, not that SSM is having a bad moment. */
const MISCONFIGURED_PARAMETER = new Set([
  'ParameterNotFound',
  'ParameterVersionNotFound',
  'AccessDeniedException',
  'InvalidKeyId',
  'ValidationException',
]);

/** How long the SSM provider caches a value; our config is resolved once per instance anyway. */
const PARAMETER_MAX_AGE_SECONDS = 900;

async function readParameter(variable: string, parameterName: string): Promise<string> {
  // Imported only here, so the AWS SDK is never loaded when secrets come from plain variables (tests, local runs).
  const { getParameter } = await import('@aws-lambda-powertools/parameters/ssm');
  let value: string | undefined;
  try {
    value = await getParameter(parameterName, { decrypt: true, maxAge: PARAMETER_MAX_AGE_SECONDS });
  } catch (error) {
    const code =
      error instanceof Error && error.cause instanceof Error
        ? error.cause.name
        : error instanceof Error
          ? error.name
          : 'unknown';
    if (MISCONFIGURED_PARAMETER.has(code)) {
      throw new ConfigError(variable, `${variable}: SSM parameter ${parameterName} cannot be read (${code})`, error);
    }
    throw new DependencyUnavailable('parameter-store', error);
  }
  if (value === undefined || value === '')
    throw new ConfigError(variable, `${variable}: SSM parameter ${parameterName} is empty`);
  return value;
}

/**
 * A secret from `<name>_PARAMETER` (an SSM SecureString, decrypted) or else from `<name>`.
 * Both set is refused: which one wins would be a guess.
 */
export async function secretVariable(name: string): Promise<Secret> {
  const parameterVariable = `${name}_PARAMETER`;
  const parameterName = readVariable(parameterVariable);
  const plain = readVariable(name);
  if (parameterName !== undefined && plain !== undefined) {
    throw new ConfigError(name, `${name} and ${parameterVariable} are both set; set only one`);
  }
  if (parameterName !== undefined) {
    const value = await readParameter(parameterVariable, parameterName);
    return { value, variable: parameterVariable, source: `${name} (from SSM parameter ${parameterName})` };
  }
  if (plain === undefined) {
    throw new ConfigError(
      name,
      `${name} is required (or ${parameterVariable}, the name of an SSM SecureString parameter holding it)`,
    );
  }
  return { value: plain, variable: name, source: name };
}
