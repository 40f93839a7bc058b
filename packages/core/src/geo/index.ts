/** GeoIP/ASN attribution and known networks (filled in by the attribution work). */
export {};
