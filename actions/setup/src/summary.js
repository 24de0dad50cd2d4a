// The job summary's text: how the Actions cache archive fared, and the prefetch and push of
// remote storage, beside larder's hit statistics.

function megabytes(bytes) {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

function sum(object) {
  return Object.values(object || {}).reduce((total, n) => total + Number(n || 0), 0);
}

/** Markdown table of the restore and the save (both from the post step's view of the job). */
export function archiveTable(cacheState, save, trimOutput) {
  const { restore } = cacheState;
  const rows = [
    '### larder cache in the Actions cache',
    '',
    '| step | archive | LARDER_DIR size | seconds |',
    '| --- | --- | ---: | ---: |',
    restore.matchedKey
      ? `| restore | \`${restore.matchedKey}\` | ${megabytes(restore.bytes)} | ${restore.seconds.toFixed(1)} |`
      : `| restore | no archive matched | - | ${restore.seconds.toFixed(1)} |`,
    save.saved
      ? `| save | \`${cacheState.key}\` | ${megabytes(save.bytes)} | ${save.seconds.toFixed(1)} |`
      : `| save | not saved: ${save.why} | - | - |`,
  ];
  if (trimOutput) rows.push('', `Pruned to the objects this job used: ${trimOutput.trim().split('\n').join(' ')}`);
  return `${rows.join('\n')}\n\n`;
}

/** The one-line notice: hit rate, counts and time saved. */
export function noticeLine(stats) {
  const errors = sum(stats.cache_errors);
  const rate = (Number(stats.hit_rate || 0) * 100).toFixed(1);
  let line = `larder: ${rate} % hit rate (${stats.cache_hits} hits, ${stats.cache_misses} misses, ${sum(stats.not_cached)} not cached`;
  if (errors) line += `, ${errors} cache errors`;
  line += `), ${Number(stats.saved_seconds || 0).toFixed(1)} s of compiling saved`;
  return line;
}

/** The prefetch's and the push's reports, as larder printed them. */
export function remoteSection(prefetch, push) {
  const text = [prefetch, push].filter(Boolean).join('\n').replace(/```/g, "'''");
  return `\n### larder and remote storage\n\n\`\`\`text\n${text}\n\`\`\`\n`;
}
