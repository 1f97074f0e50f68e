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

/** The container each audio extension promises (the bytes may say otherwise: a FLAC named .mp3). */
export const EXT_CONTAINER: Record<string, Container> = {
  mp3: 'mp3',
  aac: 'aac',
  flac: 'flac',
  m4a: 'mp4',
  mp4: 'mp4',
  alac: 'mp4',
  ogg: 'ogg',
  oga: 'ogg',
  opus: 'ogg',
  wav: 'wav',
  aif: 'aiff',
  aiff: 'aiff',
  wma: 'asf',
  ape: 'ape',
  wv: 'wavpack',
};
