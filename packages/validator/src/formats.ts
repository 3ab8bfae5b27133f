import { isQuantity, parseDuration } from '@agentforge/schema/kernel';

/** A container image reference split into its parts. */
export interface ImageReference {
  /** Registry and repository, e.g. `ghcr.io/agentforge/swarm`. */
  name: string;
  tag: string | undefined;
  /** `sha256:<64 hex>`. */
  digest: string | undefined;
}

// The grammar of distribution/reference (reference.go), without the domain/path split.
const IMAGE =
  /^((?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::\d+)?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*)(?::([\w][\w.-]{0,127}))?(?:@(sha256:[a-f0-9]{64}))?$/;

/** Parses an image reference (`registry/repo:tag@sha256:…`), or `undefined` when malformed. */
export function parseImageReference(reference: string): ImageReference | undefined {
  const match = IMAGE.exec(reference);
  if (!match) return undefined;
  return { name: match[1]!, tag: match[2], digest: match[3] };
}

const HOSTNAME = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*$/i;

function isUrl(value: string): boolean {
  if (!/^[a-z][a-z0-9+.-]*:\/\/\S+$/i.test(value)) return false;
  try {
    const url = new URL(value);
    return url.hostname !== '' && (url.port === '' || Number(url.port) <= 65535);
  } catch {
    return false;
  }
}

/**
 * Named formats for `pattern` rules: `url`, `hostname`, `duration` (`30s`, `5m`), `quantity`
 * (a Kubernetes quantity), `image` (a well-formed image reference) and `pinned-image` (a
 * reference with a tag other than `latest`, or a digest).
 */
export const FORMATS: Readonly<Record<string, { test(value: string): boolean; description: string }>> = {
  url: { test: isUrl, description: 'a well-formed URL with a scheme and a host' },
  hostname: { test: (v) => HOSTNAME.test(v), description: 'a DNS host name' },
  duration: {
    test: (v) => parseDuration(v) !== undefined,
    description: 'a duration such as 250ms, 30s, 5m or 1h',
  },
  quantity: { test: isQuantity, description: 'a Kubernetes quantity such as 250m, 0.5 or 512Mi' },
  image: {
    test: (v) => parseImageReference(v) !== undefined,
    description: 'an image reference such as ghcr.io/org/app:1.2.3',
  },
  'pinned-image': {
    test: (v) => {
      const ref = parseImageReference(v);
      return (
        ref !== undefined && (ref.digest !== undefined || (ref.tag !== undefined && ref.tag !== 'latest'))
      );
    },
    description: 'an image pinned to a version tag (not latest) or a digest',
  },
};

/** The names of {@link FORMATS}. */
export type FormatName = keyof typeof FORMATS;
