// The `yaml` CST parser without its per-token debug switch. yaml's `Parser#next` (2.x) reads
// `process.env.LOG_TOKENS` for every lexical token: on Node that is a call into the runtime
// (about 0.4–0.7 µs each), a quarter of the parse of an environment file (bench/validator,
// profiled with --cpu-prof; 1,123 tokens in examples/broken's production file). When the
// variable is set, yaml prints every raw token to standard output — secrets included — so
// the switch is also a leak this loader must not have. `yaml` takes no option to turn it off,
// so `next` is restated here with the check left out; everything else is yaml's own
// (ISC, Copyright Eemeli Aro). `_load-parser.test.ts` fails when yaml's `next` changes, so an
// upgrade restates it again, and compares the tokens of both parsers.
import { CST, Parser } from 'yaml';

/** The private state `next` reads and writes: fields and generators of yaml's `Parser`. */
interface ParserState {
  source: string;
  atScalar: boolean;
  atNewLine: boolean;
  type: CST.TokenType;
  offset: number;
  indent: number;
  onNewLine?: (offset: number) => void;
  step(): Generator<CST.Token, void>;
  pop(error?: CST.Token): Generator<CST.Token, void>;
}

/** yaml's `Parser`, with `next` as in yaml 2.9 minus the `LOG_TOKENS` check. */
export class TokenParser extends Parser {
  override *next(source: string): Generator<CST.Token, void> {
    const self = this as unknown as ParserState;
    self.source = source;
    if (self.atScalar) {
      self.atScalar = false;
      yield* self.step();
      self.offset += source.length;
      return;
    }
    const type = CST.tokenType(source);
    if (!type) {
      const message = `Not a YAML token: ${source}`;
      yield* self.pop({ type: 'error', offset: self.offset, message, source });
      self.offset += source.length;
    } else if (type === 'scalar') {
      self.atNewLine = false;
      self.atScalar = true;
      self.type = 'scalar';
    } else {
      self.type = type;
      yield* self.step();
      switch (type) {
        case 'newline':
          self.atNewLine = true;
          self.indent = 0;
          if (self.onNewLine) self.onNewLine(self.offset + source.length);
          break;
        case 'space':
          if (self.atNewLine && source[0] === ' ') self.indent += source.length;
          break;
        case 'explicit-key-ind':
        case 'map-value-ind':
        case 'seq-item-ind':
          if (self.atNewLine) self.indent += source.length;
          break;
        case 'doc-mode':
        case 'flow-error-end':
          return;
        default:
          self.atNewLine = false;
      }
      self.offset += source.length;
    }
  }
}
