// The file reads every document command makes, as promises over `node:fs`'s callback API. Node
// 20's `node:fs/promises` loads readline, streams and more when it is first required: about 4 ms
// of a `config validate` run (bench/cli), where a run reads two or three small files.
import { readdir as readdirCallback, readFile as readFileCallback, stat as statCallback } from 'node:fs';
import { promisify } from 'node:util';

export const readFile = promisify(readFileCallback);
export const readdir = promisify(readdirCallback);
export const stat = promisify(statCallback);
