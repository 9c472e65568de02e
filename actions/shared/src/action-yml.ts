// For tests: compares an action's input declarations with its action.yml (names, required, defaults), so that
// what the runner passes and what the code assumes are the same. Not part of the bundles.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { defaultText, inputName, type InputSpecs } from './inputs.js';

interface ActionYml {
  inputs?: Record<string, { required?: boolean; default?: unknown } | null>;
}

/** Each difference between action.yml in `actionDir` and `specs`, as a sentence; [] when they agree. */
export function actionYmlMismatches(actionDir: string, specs: InputSpecs): string[] {
  const yml = parse(readFileSync(join(actionDir, 'action.yml'), 'utf8')) as ActionYml;
  const declared = yml.inputs ?? {};
  const problems: string[] = [];
  const names = new Map(Object.entries(specs).map(([key, spec]) => [inputName(key), spec]));
  for (const name of Object.keys(declared))
    if (!names.has(name)) problems.push(`action.yml has input "${name}" that getInputs() does not read`);
  for (const [name, spec] of names) {
    const entry = declared[name];
    if (entry === undefined) {
      problems.push(`getInputs() reads "${name}" that action.yml does not declare`);
      continue;
    }
    const required = spec.kind === 'string' && spec.required;
    if ((entry?.required === true) !== required)
      problems.push(`"${name}": action.yml says required: ${entry?.required === true}, the code ${required}`);
    const ymlDefault = entry?.default === undefined ? undefined : String(entry.default);
    const codeDefault = defaultText(spec);
    if (ymlDefault !== codeDefault)
      problems.push(
        `"${name}": action.yml's default is ${JSON.stringify(ymlDefault)}, the code's ${JSON.stringify(codeDefault)}`,
      );
  }
  return problems;
}
