// The GitHub Actions runner's file and command protocol, spoken directly so that the action
// needs no npm packages: INPUT_* variables, GITHUB_ENV / GITHUB_PATH / GITHUB_OUTPUT /
// GITHUB_STATE / GITHUB_STEP_SUMMARY files, and ::command:: lines on stdout.
'use strict';

const crypto = require('crypto');
const fs = require('fs');
const os = require('os');

function input(name, fallback = '') {
  const value = process.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`];
  return value === undefined ? fallback : value.trim();
}

function escapeData(text) {
  return String(text).replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function escapeProperty(text) {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

function command(name, message, properties = {}) {
  const props = Object.entries(properties)
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([k, v]) => `${k}=${escapeProperty(v)}`)
    .join(',');
  process.stdout.write(`::${name}${props ? ' ' + props : ''}::${escapeData(message)}${os.EOL}`);
}

// NAME<<DELIMITER / value / DELIMITER: the form that is safe for any value, as @actions/core writes it.
function appendKeyValue(fileVariable, name, value) {
  const file = process.env[fileVariable];
  value = String(value);
  if (!file) {
    throw new Error(`${fileVariable} is not set: this must run as a step of a GitHub Actions job`);
  }
  const delimiter = `ghadelimiter_${crypto.randomUUID()}`;
  if (name.includes(delimiter) || value.includes(delimiter)) {
    throw new Error(`unexpected delimiter in ${name}`);
  }
  fs.appendFileSync(file, `${name}<<${delimiter}${os.EOL}${value}${os.EOL}${delimiter}${os.EOL}`);
}

// Sets a variable for this process, the commands it starts, and every later step of the job.
function exportVariable(name, value) {
  process.env[name] = String(value);
  appendKeyValue('GITHUB_ENV', name, value);
}

function addPath(folder) {
  const file = process.env.GITHUB_PATH;
  const known = file && fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split(/\r?\n/) : [];
  if (file && !known.includes(folder)) fs.appendFileSync(file, `${folder}${os.EOL}`);
  process.env.PATH = `${folder}${require('path').delimiter}${process.env.PATH || ''}`;
}

function setOutput(name, value) {
  if (process.env.GITHUB_OUTPUT) appendKeyValue('GITHUB_OUTPUT', name, value);
}

function saveState(name, value) {
  if (process.env.GITHUB_STATE) appendKeyValue('GITHUB_STATE', name, value);
}

function getState(name) {
  return process.env[`STATE_${name}`] || '';
}

function appendSummary(markdown) {
  const file = process.env.GITHUB_STEP_SUMMARY;
  if (!file) return false;
  fs.appendFileSync(file, markdown.endsWith('\n') ? markdown : markdown + '\n');
  return true;
}

module.exports = {
  input,
  command,
  info: (message) => process.stdout.write(`${message}${os.EOL}`),
  notice: (message, title) => command('notice', message, { title }),
  warning: (message, title) => command('warning', message, { title }),
  error: (message, title) => command('error', message, { title }),
  mask: (secret) => command('add-mask', secret),
  startGroup: (title) => command('group', title),
  endGroup: () => command('endgroup', ''),
  setFailed: (message) => {
    command('error', message);
    process.exitCode = 1;
  },
  exportVariable,
  addPath,
  setOutput,
  saveState,
  getState,
  appendSummary,
};
