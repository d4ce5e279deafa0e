"""Publishing official information on the website (การเผยแพร่ข้อมูลข่าวสาร): requests, the
publication register, the notices and the public pages' reading side.
"""
