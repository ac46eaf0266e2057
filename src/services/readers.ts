// Who the bot talks to about access: the policy's requesters and the approvers; anyone else is refused before anything is read.
import type { Locale, PartnerUser } from '../domain/access-request';
import { parseMessage } from '../domain/parse-request';
import { IntakeService, type IntakeDependencies, type IntakeResult, type SubmitOptions } from './intake';

/**
 * Intake for the people the policy names only. Each answer about access (a customer's history, who holds which role,
 * a user not found with the names it resembles, "my requests") reads Partner Center, Graph, ARM or the store for
 * the asker: someone of the partner tenant who may neither request nor approve gets the policy's refusal instead,
 * decided from the authenticated user alone, before any of it is read. Help names no one and stays open to all.
 *
 * A subclass so that the Teams layer takes it where it took intake; the check belongs at the top of
 * IntakeService.submit and choose, and moves there when that file is next open.
 */
export class ReadersOnlyIntake extends IntakeService {
  constructor(private readonly policyDeps: IntakeDependencies) {
    super(policyDeps);
  }

  override async submit(text: string, requester: PartnerUser, fallbackLocale: Locale, options: SubmitOptions = {}): Promise<IntakeResult> {
    const status = await this.policyDeps.access.readerStatus(requester.id);
    if (status === 'yes') return super.submit(text, requester, fallbackLocale, options);
    const read = parseMessage(text, fallbackLocale);
    if (read.kind === 'help') return read;
    const locale = 'locale' in read ? read.locale : fallbackLocale;
    // An approver group Graph did not answer for in time: "try again", never a refusal that may be wrong.
    if (status === 'unknown') return { kind: 'cloud_unavailable', locale, service: 'Graph' };
    return { kind: 'policy_refused', locale, code: 'not_a_requester', role: '', customer: '' };
  }

  /** A choice offered before the policy changed is no longer this user's to take: the click is refused as invalid. */
  override async choose(id: string, requester: PartnerUser, fallbackLocale: Locale, options: SubmitOptions = {}): ReturnType<IntakeService['choose']> {
    if ((await this.policyDeps.access.readerStatus(requester.id)) !== 'yes') return undefined;
    return super.choose(id, requester, fallbackLocale, options);
  }
}
