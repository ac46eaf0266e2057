// sameOriginPath: which paging links the gateways follow with their bearer token, and that opaque tokens stay as sent.
import { sameOriginPath } from '../../src/gateways/rest-pipeline';

describe('sameOriginPath', () => {
  const base = 'https://graph.microsoft.com';
  test.each([
    ['a link on the same host', `${base}/v1.0/groups/g/transitiveMembers/microsoft.graph.user?$select=id&$skiptoken=RFNwdAIAAQ`, '/v1.0/groups/g/transitiveMembers/microsoft.graph.user?$select=id&$skiptoken=RFNwdAIAAQ'],
    ['an opaque token with characters URL parsing would re-encode', `${base}/v1.0/users?$skiptoken=a'b%27c`, "/v1.0/users?$skiptoken=a'b%27c"],
    ['the host spelled in capitals', 'https://GRAPH.microsoft.com/v1.0/users', '/v1.0/users'],
    ['another host', 'https://graph.evil.example/v1.0/users?$skiptoken=x', undefined],
    ['another port', 'https://graph.microsoft.com:8443/v1.0/users', undefined],
    ['plain http', 'http://graph.microsoft.com/v1.0/users', undefined],
    ['a relative link', '/v1.0/users?$skiptoken=x', undefined],
  ])('when the link is %s, then the path to follow is as expected', (_what, link, expected) => {
    expect(sameOriginPath(base, link)).toBe(expected);
  });

  test('when the base is a sandbox URL with a port, then only links to that port are followed', () => {
    expect(sameOriginPath('https://127.0.0.1:7443', 'https://127.0.0.1:7443/v1.0/users?$skiptoken=2')).toBe('/v1.0/users?$skiptoken=2');
    expect(sameOriginPath('https://127.0.0.1:7443', 'https://127.0.0.1:7444/v1.0/users')).toBeUndefined();
  });
});
