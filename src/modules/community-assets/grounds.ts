/**
 * The grounds of an exempt disposal (Localism Act 2011 s.95(5) and the Assets of Community Value
 * (England) Regulations 2012, Schedule 3): a disposal on one of them needs no notice and starts no
 * moratorium. Codes as data; their names are in the module's locales (`communityAssets.grounds.*`).
 */
export const EXEMPT_GROUNDS = [
  /** A gift, including one to a charity or under a trust. */
  "gift",
  /** By the personal representatives of a deceased owner, under the will or intestacy. */
  "estate",
  /** Between members of a family (spouses, civil partners, descendants of a grandparent). */
  "family",
  /** Of a business as a going concern, the land with it. */
  "going-concern",
  /** On a separation or divorce, under a court order or agreement. */
  "separation",
  /** Within a group of companies. */
  "group-companies",
  /** Under a legal obligation or a court order, or by compulsory purchase. */
  "legal-obligation",
  /** In insolvency, or by a mortgagee or receiver. */
  "insolvency",
  /** Between trustees, or on the appointment or retirement of a trustee. */
  "trustees",
  /** Between partners of a partnership. */
  "partnership",
  /** Of a site of which the listed land is only part. */
  "part-of-site",
  /** Of land used for a school, college or academy, to continue that use. */
  "education",
  /** By a charity, consistent with its purposes, to another charity. */
  "charity",
] as const;
export type ExemptGround = (typeof EXEMPT_GROUNDS)[number];

export function isExemptGround(code: string): code is ExemptGround {
  return (EXEMPT_GROUNDS as readonly string[]).includes(code);
}
