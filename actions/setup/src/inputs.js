// The action's inputs, checked: a value the action cannot act on fails the step with a message
// that names the input.
import * as core from '@actions/core';
import { isForkPullRequest } from './event.js';

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function oneOf(name, allowed, fallback) {
  const value = (core.getInput(name) || fallback).toLowerCase();
  if (!allowed.includes(value)) {
    throw new Error(`${name} must be ${allowed.join(', ')}, not "${value}"`);
  }
  return value;
}

/** `settings`: one NAME=value a line; blank lines and # comments are skipped. */
export function parseSettings(text) {
  const settings = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    const name = eq < 0 ? '' : line.slice(0, eq).trim();
    if (!NAME.test(name)) throw new Error(`settings: "${line}" is not NAME=value`);
    settings.push([name, line.slice(eq + 1).trim()]);
  }
  return settings;
}

/** `read-only`: true, false, or auto (read-only for pull requests from forks). */
export function readOnlyMode() {
  const value = core.getInput('read-only').toLowerCase() || 'auto';
  if (['true', '1', 'yes', 'on'].includes(value)) return { readOnly: true, why: 'read-only: true' };
  if (['false', '0', 'no', 'off'].includes(value)) return { readOnly: false, why: 'read-only: false' };
  if (value !== 'auto') throw new Error(`read-only must be true, false or auto, not "${value}"`);
  return isForkPullRequest()
    ? { readOnly: true, why: 'a pull request from a fork (read-only: auto)' }
    : { readOnly: false, why: 'read-only: auto' };
}

/** `cache`: auto, github or none. */
export function cacheInput() {
  return oneOf('cache', ['auto', 'github', 'none'], 'auto');
}

/** A true/false input (also 1/0, yes/no, on/off); empty is `fallback`. */
function booleanInput(name, fallback) {
  const value = (core.getInput(name) || fallback).toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(value)) return true;
  if (['false', '0', 'no', 'off'].includes(value)) return false;
  throw new Error(`${name} must be true or false, not "${value}"`);
}

/** `prefetch`: true (the default) or false. */
export function prefetchWanted() {
  return booleanInput('prefetch', 'true');
}

/** `cache-c`: true (the default) points HOST_CC and HOST_CXX at links to larder for build scripts' C and C++; false does not. */
export function cacheCWanted() {
  return booleanInput('cache-c', 'true');
}

export function summaryWanted() {
  return (core.getInput('summary') || 'true').toLowerCase() !== 'false';
}
