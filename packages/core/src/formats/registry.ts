/**
 * Every log format logwitness knows, in detection order: when two formats fit a file equally
 * well, the earlier one wins. A new format is one file in this folder and one line here.
 */
import { albFormat } from './aws-alb';
import { elbFormat } from './aws-elb';
import { caddyJsonFormat } from './caddy-json';
import { combinedFormat, commonFormat, vhostCombinedFormat } from './clf-formats';
import { cloudFrontFormat } from './cloudfront';
import { haproxyFormat } from './haproxy-http';
import type { LogFormat } from './log-format';
import { s3AccessFormat } from './s3-access';
import { traefikClfFormat } from './traefik-clf';
import { traefikJsonFormat } from './traefik-json';
import { w3cFormat } from './w3c-extended';

export const FORMATS: readonly LogFormat[] = [
  combinedFormat,
  vhostCombinedFormat,
  commonFormat,
  traefikClfFormat,
  w3cFormat,
  cloudFrontFormat,
  // Classic ELB before ALB: the ALB parser reads Classic lines too, so a pure Classic file ties.
  elbFormat,
  albFormat,
  s3AccessFormat,
  caddyJsonFormat,
  traefikJsonFormat,
  haproxyFormat,
];

export function findFormat(name: string): LogFormat | undefined {
  return FORMATS.find((format) => format.name === name);
}
