"""The office's letter registers (ทะเบียนหนังสือส่ง, ทะเบียนหนังสือรับ): numbers drawn once
(:mod:`.numbers`), entries written in the command that sends or receives a letter
(:mod:`.entries`), and the registers listed and exported (:mod:`.listing`)."""
