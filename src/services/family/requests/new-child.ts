import { newChildAsked, requestDecisionMail } from '../request-mails.ts';
import { NOTHING_OVERRIDDEN, payloadOf, type RequestTypeDependencies, type RequestTypeModule } from './request-type.ts';

/** « Ajouter un enfant »: accepted, the child joins the family file. */
export function newChildRequest({ repositories }: RequestTypeDependencies): RequestTypeModule {
  const { families } = repositories;
  return {
    async accept({ trx, commune, request }) {
      const { child } = payloadOf(request, 'new_child');
      await families.insertMember(
        commune.id,
        request.familyId,
        {
          role: 'child',
          civility: null,
          lastName: String(child.lastName),
          birthName: null,
          firstName: String(child.firstName),
          birthDate: (child.birthDate as string | null) ?? null,
          email: null,
          phone: null,
          school: (child.school as string | null) ?? null,
          schoolLevel: (child.schoolLevel as string | null) ?? null,
          allergies: (child.allergies as string | null) ?? null,
          hasPai: (child.hasPai as boolean | null) ?? null,
          doctorName: (child.doctorName as string | null) ?? null,
          doctorPhone: (child.doctorPhone as string | null) ?? null,
        },
        trx,
      );
      return NOTHING_OVERRIDDEN;
    },
    refuse: async () => {},
    mail: (decision) => requestDecisionMail(decision, newChildAsked(payloadOf(decision.request, 'new_child'))),
  };
}
