import { describe, expect, it } from 'vitest';
import { ConfigError, loadEnv } from './env';

describe('loadEnv', () => {
  it('uses safe defaults: loopback, ./data, reference names for external servers', () => {
    const env = loadEnv({}, '/srv/mismo');
    expect(env.web).toEqual({ host: '127.0.0.1', port: 3000, allowedHosts: [], trustedProxies: [] });
    expect(env.db.path).toBe('/srv/mismo/data/library.db');
    expect(env.analysis.serverUrls).toEqual(['http://127.0.0.1:8000']);
    expect(env.audioEngine.url).toBe('ws://localhost:8080');
    expect(env.auth.enabled).toBe(false);
    expect(Object.isFrozen(env.web)).toBe(true);
  });

  it('reports every problem at once in one readable list', () => {
    let err: unknown;
    try {
      loadEnv({ PORT: 'eighty', LOG_LEVEL: 'loud', AUDIO_SERVER_WS_URL: 'http://x', ANALYSIS_SERVER_REMOTE: 'maybe' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const problems = (err as ConfigError).problems.join('\n');
    expect(problems).toMatch(/PORT/);
    expect(problems).toMatch(/LOG_LEVEL/);
    expect(problems).toMatch(/AUDIO_SERVER_WS_URL/);
    expect(problems).toMatch(/ANALYSIS_SERVER_REMOTE/);
    expect((err as ConfigError).message.split('\n').length).toBeGreaterThanOrEqual(5);
  });

  it('refuses to expose the library on the network without a password or token', () => {
    expect(() => loadEnv({ HOST: '0.0.0.0' })).toThrow(/MISMO_PASSWORD/);
    expect(loadEnv({ HOST: '0.0.0.0', MISMO_PASSWORD: 'correct horse' }).auth.enabled).toBe(true);
    expect(loadEnv({ HOST: '0.0.0.0', API_TOKEN: 'a-long-enough-api-token' }).auth.enabled).toBe(true);
  });

  it('checks cross-field rules', () => {
    expect(() => loadEnv({ PYTHON_SERVER_AUTO_START: 'true' })).toThrow(/PYTHON_SERVER_PYTHON_PATH/);
    expect(() => loadEnv({ MISMO_PASSWORD: 'short' })).toThrow(/at least 8/);
    expect(() => loadEnv({ PORT: '4000', WORKER_PORT: '4000' })).toThrow(/WORKER_PORT/);
  });

  it('accepts a list of analysis servers and an empty value to disable one', () => {
    expect(loadEnv({ PYTHON_SERVER_URL: 'http://a:8000, http://b:8000' }).analysis.serverUrls).toEqual(['http://a:8000', 'http://b:8000']);
    expect(loadEnv({ PYTHON_SERVER_URL: '', AUDIO_SERVER_WS_URL: '' })).toMatchObject({ analysis: { serverUrls: [] }, audioEngine: { url: undefined } });
  });
});
