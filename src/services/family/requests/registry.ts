import { DomainError } from '../../../domain/errors.ts';
import type { RequestType } from '../../../data/request-repository.ts';
import { absenceRequest } from './absence.ts';
import { contactChangeRequest } from './contact-change.ts';
import { memberChangeRequest } from './member-change.ts';
import { newChildRequest } from './new-child.ts';
import { quotientFamilialRequest } from './quotient-familial.ts';
import { registrationRequest } from './registration.ts';
import { sepaMandateRequest } from './sepa-mandate.ts';
import type { RequestTypeDependencies, RequestTypeModule } from './request-type.ts';

/** A request whose type no module decides: a row from elsewhere or a bug, never accepted by default. */
export class UnknownRequestTypeError extends DomainError {}

/** The request types and their modules; asking for a type none handles is an error. */
export function registryOf(modules: Readonly<Record<string, RequestTypeModule>>) {
  return {
    of(type: string): RequestTypeModule {
      if (!Object.hasOwn(modules, type)) throw new UnknownRequestTypeError(`no module decides requests of type « ${type} »`);
      return modules[type]!;
    },
  };
}

export type RequestTypeRegistry = ReturnType<typeof registryOf>;

/**
 * Every request type a family can send, one module each (src/services/family/requests/<type>.ts). Adding a
 * type: its code in `RequestType`, its label in src/i18n/request-words.ts, a module, and a line here
 * (the record is typed by `RequestType`: the compiler asks for it).
 */
export function requestTypeRegistry(dependencies: RequestTypeDependencies): RequestTypeRegistry {
  const modules: Record<RequestType, RequestTypeModule> = {
    member_change: memberChangeRequest(dependencies),
    contact_change: contactChangeRequest(dependencies),
    new_child: newChildRequest(dependencies),
    registration: registrationRequest(dependencies),
    absence: absenceRequest(dependencies),
    quotient_familial: quotientFamilialRequest(dependencies),
    sepa_mandate: sepaMandateRequest(dependencies),
  };
  return registryOf(modules);
}
