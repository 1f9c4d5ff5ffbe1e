/**
 * wire/: header views and parse/emit for the protocols skbtrace decodes, checksums, and the
 * link-layer decode of capture frames. Imports nothing else of ours.
 */
export * from './result.js';
export * from './bytes.js';
export * from './address.js';
export * from './checksum.js';
export * from './ethernet.js';
export * from './vlan.js';
export * from './arp.js';
export * from './ipproto.js';
export * from './ipv4.js';
export * from './icmp.js';
export * from './udp.js';
export * from './tcp.js';
export * from './ipv6.js';
export * from './icmpv6.js';
export * from './link.js';
