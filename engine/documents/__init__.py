"""Printable documents: Thai official letters and the complaints report, as PDF and XLSX.

Everything here is built in memory and returned as bytes; nothing is fetched from the
network. The Thai font is Debian's Laksaman (``fonts-thai-tlwg``), a TH Sarabun derivative.
"""
