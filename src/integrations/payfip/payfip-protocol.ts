import { fileURLToPath } from 'node:url';

/** What the adapter and the simulator share: the WSDL, PayFiP's paths and its error codes. */

export const WSDL_PATH = fileURLToPath(new URL('./payfip.wsdl', import.meta.url));

/** The SOAP endpoint's path, on www.payfip.gouv.fr as on the simulator. */
export const SOAP_PATH = '/tpa/services/securite';
/** The payment site's entry page; the operation id goes in `idop`. */
export const PAYMENT_PAGE_PATH = '/tpa/paiementws.web';

/** The faultstring PayFiP gives its functional errors. */
export const FUNCTIONAL_FAULT = 'fr.gouv.finances.cp.tpa.webservice.exceptions.FonctionnelleErreur';
/** FonctionnelleErreur codes: operation unknown (never created, or purged the next night). */
export const CODE_UNKNOWN_OPERATION = 'P1';
/** The payer has not finished: the result is not known yet. */
export const CODE_RESULT_NOT_KNOWN_YET = 'P5';

/** The soap service object's shape: service › port › operations (names from the WSDL). */
export const SERVICE_NAME = 'PaiementSecuriseService';
export const PORT_NAME = 'PaiementSecuriseServicePort';
