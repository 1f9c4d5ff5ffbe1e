#!/bin/sh
# Regenerates the tshark outputs that test/output/summary.test.ts compares skbtrace's -P lines with.
# Needs tshark 4.0 (the version the goldens were made with; others may word things differently).
#
#   default/   `tshark -r F -P` exactly as a user would run it, for the kernel fixtures.
#   l2l4/      `tshark -n -r F -P` with every dissector above layer 4 disabled (a throwaway profile
#              whose disabled_protos lists all protocols except Ethernet/VLAN/LLC/SLL/null/raw/IPoIB,
#              ARP, IPv4/IPv6 (with their option and extension header dissectors), ICMP/ICMPv6,
#              UDP, TCP/MPTCP): what skbtrace decodes, so the lines can be compared one to one.
#
# Usage: sh test/output/golden/regen.sh   (from anywhere)
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../../.." && pwd)
SHARED=$(cd "$REPO/../shared" && pwd)
python3 "$HERE/../fixtures/make-cases.py"

PROFILE=$(mktemp -d)
trap 'rm -rf "$PROFILE"' EXIT
mkdir -p "$PROFILE/wireshark"
tshark -G protocols 2>/dev/null | cut -f3 |
  grep -vxE 'frame|eth|ethertype|vlan|ieee8021ad|llc|sll|null|raw|ip|ip\.options\..*|ipv6|ipv6\..*|icmp|icmpv6|udp|tcp|mptcp|arp|ipoib|data|_ws\..*' \
  > "$PROFILE/wireshark/disabled_protos"

default() { tshark -r "$1" -P 2>/dev/null > "$2"; }
l2l4() { XDG_CONFIG_HOME="$PROFILE" tshark -n -r "$1" -P 2>/dev/null > "$2"; }

rm -rf "$HERE/default" "$HERE/l2l4"
mkdir -p "$HERE/default" "$HERE/l2l4"
for d in "$SHARED"/fixtures/kernel/*/; do
  name=$(basename "$d")
  for f in input replies; do
    [ -f "$d/$f.pcap" ] || continue
    default "$d/$f.pcap" "$HERE/default/kernel-$name-$f.txt"
    l2l4 "$d/$f.pcap" "$HERE/l2l4/kernel-$name-$f.txt"
  done
done
for f in "$HERE"/../fixtures/*.pcap; do
  l2l4 "$f" "$HERE/l2l4/synthetic-$(basename "$f" .pcap).txt"
done
for f in "$REPO"/fixtures/capture/linktype-*.pcap; do
  l2l4 "$f" "$HERE/l2l4/capture-$(basename "$f" .pcap).txt"
done
# A selection of the tcpdump corpus: link types, VLAN, ARP, IPv4 options and fragments, ICMP,
# TCP handshakes with options, IPv6 extension headers and ND (well-formed files only).
for f in 802.1ad_QinQ.pcap LINKTYPE_IPV4.pcap LINKTYPE_IPV6.pcap LINKTYPE_RAW_ipv4.pcap LINKTYPE_RAW_ipv6.pcap \
  tcp-handshake-nano.pcap dns_tcp.pcap dns_udp.pcap bgp-4byte-asn.pcap of10_p3295.pcap of10_s4810.pcap \
  icmpv6.pcap ipv6-routing-header.pcap ipv6-srh-ext-header.pcap afs.pcap dhcp-rfc4388.pcap vxlan.pcap \
  IGMP_V2.pcap tcp_rst_data.pcap accecn_handshake.pcap mptcp-v1.pcap gso-ipv4.pcap gso-ipv6.pcap \
  bigtcp-ipv4.pcap bigtcp-ipv6-hbh.pcap resp_1_benchmark.pcap quic_handshake.pcap ntp.pcap; do
  [ -f "$SHARED/corpus/tcpdump/$f" ] && l2l4 "$SHARED/corpus/tcpdump/$f" "$HERE/l2l4/corpus-${f%.*}.txt"
done
echo "goldens written under $HERE"
