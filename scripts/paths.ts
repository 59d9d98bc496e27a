/**
 * Where things are in the repository, so the scripts, the local servers, the tests and the bench
 * work from any working directory. Only paths: importing this reads nothing and loads nothing else,
 * so any folder can import it without pulling in what lives beside it.
 */
import { join } from 'node:path';

/** The repository root. */
export const ROOT = join(__dirname, '..');
/** The contract everything in generated/ is derived from. */
export const CONTRACT_PATH = join(ROOT, 'openapi.yaml');
/** One folder per function, named by its operationId (and `authorizer`). */
export const FUNCTIONS_DIR = join(ROOT, 'functions');
/** What `make generate` writes from the contract. */
export const GENERATED_DIR = join(ROOT, 'generated');
/** The API Gateway definition that Terraform and the local gateway render with the same variables. */
export const DEFINITION_TEMPLATE_PATH = join(GENERATED_DIR, 'api-gateway.json.tftpl');
/** The spec API consumers read, served as the docs. */
export const CONSUMER_SPEC_PATH = join(GENERATED_DIR, 'openapi.json');
/** What `make build` writes: dist/<key>/ (bundle, source map, metafile) and dist/<key>.zip. */
export const DIST = join(ROOT, 'dist');
/** Where `make docs` writes the API reference for publishing. */
export const DOCS_DIR = join(DIST, 'docs');
