import nodemailer, { type Transporter } from 'nodemailer';

export interface MailTransport {
  /** 'smtp' sends for real; 'dev-mailbox' keeps mails readable at /_dev/mails only. */
  kind: 'smtp' | 'dev-mailbox';
  send(message: { from: string; to: string; subject: string; text: string; html: string }): Promise<{ messageId: string | null }>;
  close(): void;
}

/**
 * SMTP through nodemailer when SMTP_URL is set; otherwise (outside production only) nodemailer's
 * JSON transport, which builds the message without sending it: the development mailbox shows it.
 */
export function createMailTransport(smtpUrl: string | undefined): MailTransport {
  const transporter: Transporter = smtpUrl
    ? nodemailer.createTransport(smtpUrl)
    : nodemailer.createTransport({ jsonTransport: true });
  return {
    kind: smtpUrl ? 'smtp' : 'dev-mailbox',
    async send(message) {
      const info = await transporter.sendMail(message);
      return { messageId: typeof info.messageId === 'string' ? info.messageId : null };
    },
    close: () => transporter.close(),
  };
}
