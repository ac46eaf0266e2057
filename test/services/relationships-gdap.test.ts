// The display name a GDAP relationship gets: the same for a request whenever it is asked (the key that finds the
// relationship again after a crash), another for every other request, and within Graph's 50 characters.
import { principalId } from '../../src/domain/ids';
import { relationshipName } from '../../src/services/relationships-gdap';
import { makeRequest } from '../store/store-fixtures';

const SAM = { id: principalId('0a1b2c3d-0000-4000-8000-00000000005a'), name: 'Sam' };
const LONG = { tenantId: 'c0000004-0000-4000-8000-000000000004', name: 'Northwind Traders International Holdings of the Pacific Rim' };

describe('relationshipName', () => {
  const request = makeRequest('5f0c7a52-9d1e-4b8a-a3c2-7e41d9b06f18');

  it('when the same request asks on another day, then the name is the same; another request gets another name', () => {
    const monday = relationshipName(LONG, { request, requestedBy: SAM, day: '2026-11-30' });
    expect(relationshipName(LONG, { request, requestedBy: SAM, day: '2026-12-02' })).toBe(monday);
    expect(relationshipName(LONG, { request: makeRequest('5f0c7a52-9d1e-4b8a-a3c2-7e41d9b06f19'), requestedBy: SAM, day: '2026-11-30' })).not.toBe(monday);
    expect(monday).toBe('Northwind Traders 5f0c7a529d1e4b8aa3c27e41d9b06f18');
  });

  it('when the customer name is long or the name has a generation, then it stays within 50 characters and keeps the whole key', () => {
    for (const generation of [1, 2, 9]) {
      const name = relationshipName(LONG, { request, requestedBy: SAM, day: '2026-11-30' }, generation);
      expect(name.length).toBeLessThanOrEqual(50);
      expect(name).toContain('5f0c7a529d1e4b8aa3c27e41d9b06f18');
      if (generation > 1) expect(name.endsWith(` ${generation}`)).toBe(true);
    }
  });

  it('when there is no request (a relationship asked for directly), then the name is the requester\'s for that day', () => {
    expect(relationshipName({ tenantId: LONG.tenantId, name: 'Northwind' }, { requestedBy: SAM, day: '2026-11-30' })).toBe('Northwind 2026-11-30 0a1b2c3d');
  });
});
