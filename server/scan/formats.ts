import type { Container } from './hash';

/** The format name the library shows and filters on, by container. */
export const FORMAT_NAME: Record<Container, string> = {
  mp3: 'mp3',
  aac: 'aac',
  flac: 'flac',
  mp4: 'm4a',
  ogg: 'ogg',
  wav: 'wav',
  aiff: 'aiff',
  asf: 'wma',
  ape: 'ape',
  wavpack: 'wv',
  unknown: 'unknown',
};
