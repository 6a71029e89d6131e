// Generated from libs/ioc/src/noise.ts by scripts/web-ioc.mjs: edit the library, not this file.
import { parseIp } from './ip.js';
// What the paste extractor leaves out, and what it keeps but is unsure of. Artefacts are full of names that look
// like indicators and are not: the Windows binaries every host runs, header keywords that read as `label.tld`,
// the victim's own LAN addresses. Reporting them costs a team precision (or counts as a decoy), so the extractor
// drops what is never an indicator and marks what only the analyst can judge (the console then shows it with
// "for detection" unticked).
// Windows binaries that ship with the system or with standard admin tools: seen in every EDR export as the parent
// or the tool used, never an indicator by name. A look-alike (`svchosts.exe`) is not in the list and stays.
const SYSTEM_BINARIES = new Set(
  (
    'svchost.exe services.exe lsass.exe lsaiso.exe csrss.exe smss.exe wininit.exe winlogon.exe userinit.exe ' +
    'explorer.exe taskhost.exe taskhostw.exe sihost.exe conhost.exe dllhost.exe spoolsv.exe dwm.exe ctfmon.exe ' +
    'fontdrvhost.exe audiodg.exe searchindexer.exe searchprotocolhost.exe wmiprvse.exe werfault.exe msiexec.exe ' +
    'ntoskrnl.exe system.exe registry.exe msmpeng.exe mpcmdrun.exe ' +
    'cmd.exe powershell.exe pwsh.exe powershell_ise.exe rundll32.exe regsvr32.exe mshta.exe wscript.exe ' +
    'cscript.exe vssadmin.exe wbadmin.exe bcdedit.exe wmic.exe net.exe net1.exe sc.exe schtasks.exe at.exe ' +
    'reg.exe regedit.exe tasklist.exe taskkill.exe ipconfig.exe netsh.exe netstat.exe nslookup.exe ping.exe ' +
    'tracert.exe whoami.exe hostname.exe systeminfo.exe nltest.exe wevtutil.exe certutil.exe bitsadmin.exe ' +
    'forfiles.exe mstsc.exe notepad.exe robocopy.exe xcopy.exe icacls.exe takeown.exe gpupdate.exe ' +
    'psexec.exe psexec64.exe psexesvc.exe ' +
    'kernel32.dll ntdll.dll user32.dll advapi32.dll shell32.dll ole32.dll ws2_32.dll wininet.dll comsvcs.dll'
  ).split(' '),
);
// RFC 8601 Authentication-Results properties (`smtp.mailfrom=…`, `header.from=…`) and the like: `ptype.property`
// reads as `label.tld` but is a word of the header, not a host.
const HEADER_PTYPES = new Set(['smtp', 'header', 'body', 'policy']);
// Top-level domains an indicator is likely to end in, beyond every two-letter (country) code and IDN A-labels:
// the original generic ones, the reserved names drills use (RFC 2606, RFC 6761) and the new gTLDs common in
// abuse reports. An undefanged `rc.conf` or `dr.aziz` ends in none of them and is more likely a word or a file;
// it is kept but marked unsure rather than dropped, since the list cannot be complete.
const COMMON_TLDS = new Set(
  (
    'com net org info biz name pro gov edu mil int mobi asia tel travel jobs cat coop aero museum post arpa ' +
    'example test invalid localhost local onion internal ' +
    'app dev io ai cloud xyz top online site website store shop tech space live life world today news blog club ' +
    'fun icu vip work link click zip mov email digital network services solutions support systems agency company ' +
    'center group media global page host press bank finance money pay loan insurance health care security social ' +
    'chat download stream video guru ninja rocks buzz monster best cyou sbs cfd bond quest beauty hair skin ' +
    'lol wang win bid men date trade review party science racing cricket accountant faith kim gdn ltd llc inc run'
  ).split(' '),
);
/** True for an indicator the extractor leaves out altogether. */
export function isNoise(type, value) {
  if (type === 'filename') return SYSTEM_BINARIES.has(value.toLowerCase());
  if (type === 'domain') {
    const labels = value.split('.');
    return labels.length === 2 && HEADER_PTYPES.has(labels[0]);
  }
  return false;
}
/** Addresses that name a host inside a network (or no host at all) rather than the attacker's. */
function internalAddress(text) {
  const ip = parseIp(text.replace(/\/\d+$/, ''));
  if (!ip.ok) return undefined;
  const [a, b] = ip.bytes;
  if (ip.version === 4) {
    if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168))
      return 'a private (RFC 1918) address';
    if (a === 100 && b >= 64 && b <= 127) return 'a carrier-grade NAT (RFC 6598) address';
    if (a === 127) return 'a loopback address';
    if (a === 169 && b === 254) return 'a link-local address';
    if (a === 0) return 'an unspecified address';
    if (a >= 224) return 'a multicast or reserved address';
    return undefined;
  }
  if (ip.bytes.every((x, i) => x === 0 || (i === 15 && x === 1))) return 'a loopback or unspecified address';
  if (a === 0xfe && (b & 0xc0) === 0x80) return 'a link-local address';
  if ((a & 0xfe) === 0xfc) return 'a unique local (RFC 4193) address';
  if (a === 0xff) return 'a multicast address';
  return undefined;
}
/**
 * Why the extractor is unsure `value` (normalised, as `type`) is an indicator, or undefined when it is sure.
 * `defanged` says the author defanged it in the text: someone already judged it an indicator.
 */
export function unsureReason(type, value, defanged) {
  if (type === 'ip-dst' || type === 'ip-src' || type === 'ip-dst|port') {
    const addr = type === 'ip-dst|port' ? value.slice(0, value.lastIndexOf('|')) : value;
    const what = internalAddress(addr);
    return what && `${what}: usually a host of the victim's network, not an indicator to share`;
  }
  if (type === 'domain' && !defanged) {
    const tld = value.slice(value.lastIndexOf('.') + 1);
    if (tld.length !== 2 && !tld.startsWith('xn--') && !COMMON_TLDS.has(tld))
      return `".${tld}" is not a common top-level domain and the name is not defanged: perhaps a word or a file name`;
  }
  return undefined;
}
