// Thai for everything bpmn-js and bpmn-js-bpmnlint show in the editor: the palette, the
// context pad, the replace menu and its header, the popup menu, direct editing's helpers
// and the lint messages drawn beside elements. bpmn-js asks its `translate` service for
// each English string; on an English page the English comes back unchanged.
//
// Words follow the rest of govflow: งาน (task), ทางแยก (gateway), ตัวจับเวลา (timer),
// การยกระดับ (escalation), ช่องบทบาท (lane), เส้นลำดับ (sequence flow).

export const THAI = {
  // palette (diagram-js tools and govflow's own entries, see allowed_elements.js)
  'Activate hand tool': 'เครื่องมือเลื่อนแผนภาพ',
  'Activate lasso tool': 'เครื่องมือเลือกหลายองค์ประกอบ',
  'Activate create/remove space tool': 'เครื่องมือเพิ่มหรือลดพื้นที่ว่าง',
  'Activate global connect tool': 'เครื่องมือลากเส้นลำดับ',
  'Create start event': 'เพิ่มจุดเริ่มต้น',
  'Create end event': 'เพิ่มจุดสิ้นสุด',
  'Create user task': 'เพิ่มงานของเจ้าหน้าที่',
  'Create exclusive gateway': 'เพิ่มทางแยกแบบเลือกหนึ่งทาง',
  'Create parallel gateway': 'เพิ่มทางแยกแบบทำพร้อมกัน',
  'Create timer event (drop it on a task\'s edge for a deadline)':
    'เพิ่มตัวจับเวลา (วางบนขอบงานเพื่อกำหนดเวลาของงาน)',
  'Create pool/participant': 'เพิ่มกลุ่มผู้ร่วมกระบวนงาน (pool)',
  'Create text annotation': 'เพิ่มหมายเหตุ',

  // context pad
  'Append end event': 'ต่อด้วยจุดสิ้นสุด',
  'Append gateway': 'ต่อด้วยทางแยก',
  'Append user task': 'ต่อด้วยงานของเจ้าหน้าที่',
  'Append task': 'ต่อด้วยงาน',
  'Append intermediate/boundary event': 'ต่อด้วยเหตุการณ์ระหว่างทาง',
  'Append timer intermediate catch event': 'ต่อด้วยตัวจับเวลา (รอจนถึงเวลา)',
  'Add text annotation': 'เพิ่มหมายเหตุ',
  'Change element': 'เปลี่ยนชนิด',
  'Connect to other element': 'ลากเส้นลำดับไปยังองค์ประกอบอื่น',
  'Connect using association': 'เชื่อมหมายเหตุกับองค์ประกอบ',
  'Delete': 'ลบ',
  'Add lane above': 'เพิ่มช่องบทบาทด้านบน',
  'Add lane below': 'เพิ่มช่องบทบาทด้านล่าง',
  'Divide into two lanes': 'แบ่งเป็นสองช่องบทบาท',
  'Divide into three lanes': 'แบ่งเป็นสามช่องบทบาท',
  'Align elements': 'จัดแนวองค์ประกอบ',
  'Align elements left': 'ชิดซ้าย',
  'Align elements center': 'กึ่งกลางแนวตั้ง',
  'Align elements right': 'ชิดขวา',
  'Align elements top': 'ชิดบน',
  'Align elements middle': 'กึ่งกลางแนวนอน',
  'Align elements bottom': 'ชิดล่าง',
  'Distribute elements horizontally': 'เว้นระยะเท่ากันตามแนวนอน',
  'Distribute elements vertically': 'เว้นระยะเท่ากันตามแนวตั้ง',
  'Open {element}': 'เปิด {element}',
  'Search in diagram': 'ค้นหาในแผนภาพ',

  // replace menu: entries govflow offers (allowed_elements.js) and its header toggles
  'Start event': 'จุดเริ่มต้น',
  'End event': 'จุดสิ้นสุด',
  'Escalation end event': 'จุดสิ้นสุดที่ยกระดับเรื่อง',
  'Intermediate throw event': 'เหตุการณ์ระหว่างทาง',
  'Escalation intermediate throw event': 'ยกระดับเรื่อง (escalation)',
  'Timer intermediate catch event': 'ตัวจับเวลา (รอจนถึงเวลา)',
  'Timer boundary event': 'กำหนดเวลาของงาน (หยุดงานเมื่อครบ)',
  'Timer boundary event (non-interrupting)': 'กำหนดเวลาของงาน (งานยังทำต่อได้)',
  'User task': 'งานของเจ้าหน้าที่',
  'Task': 'งาน',
  'Exclusive gateway': 'ทางแยกแบบเลือกหนึ่งทาง',
  'Parallel gateway': 'ทางแยกแบบทำพร้อมกัน',
  'Sub-process (expanded)': 'กระบวนงานย่อย',
  'Sub-process': 'กระบวนงานย่อย',
  'Sequence flow': 'เส้นลำดับ',
  'Default flow': 'เส้นลำดับเมื่อไม่เข้าเงื่อนไขใด',
  'Toggle non-interrupting': 'สลับ: งานยังทำต่อได้เมื่อครบเวลา',
  'Loop': 'ทำซ้ำ',
  'Search': 'ค้นหา',
  'Results': 'ผลการค้นหา',
  'No matching entries found.': 'ไม่พบรายการที่ตรงกัน',

  // modeling feedback
  'flow elements must be children of pools/participants':
    'องค์ประกอบของกระบวนงานต้องอยู่ในกลุ่มผู้ร่วมกระบวนงาน (pool)',
  'Data object must be placed within a pool/participant.':
    'ข้อมูลต้องอยู่ในกลุ่มผู้ร่วมกระบวนงาน (pool)',

  // bpmn-js-bpmnlint: its button, its overlays and the messages of the recommended rules
  'Toggle linting overlays': 'แสดงหรือซ่อนผลการตรวจบนแผนภาพ',
  '{errors} Errors, {warnings} Warnings': 'ข้อผิดพลาด {errors} รายการ คำเตือน {warnings} รายการ',
  'No Issues': 'ไม่พบปัญหา',
  'Issues for child elements': 'ปัญหาขององค์ประกอบภายใน',
  'Sequence flow is missing condition': 'เส้นลำดับนี้ยังไม่มีเงื่อนไข',
  'Process is missing end event': 'กระบวนงานยังไม่มีจุดสิ้นสุด',
  'Sub process is missing end event': 'กระบวนงานย่อยยังไม่มีจุดสิ้นสุด',
  'Start event is missing event definition': 'จุดเริ่มต้นของกระบวนงานย่อยแบบเหตุการณ์ต้องระบุชนิดเหตุการณ์',
  'Incoming flows do not join': 'เส้นลำดับหลายเส้นเข้ามาที่งานนี้โดยไม่ผ่านทางแยกที่รวมเส้น',
  'Element is missing name': 'องค์ประกอบนี้ยังไม่มีชื่อ',
  'Element is unused': 'องค์ประกอบนี้ไม่ได้ถูกใช้',
  'Element name is not unique': 'ชื่อนี้ซ้ำกับองค์ประกอบอื่น',
  'Element is missing label/name': 'องค์ประกอบนี้ยังไม่มีชื่อ',
  'Link event is missing name': 'เหตุการณ์เชื่อมโยงยังไม่มีชื่อ',
  'Element is missing bpmndi': 'องค์ประกอบนี้ไม่มีในแผนภาพ (bpmndi)',
  'Element is not connected': 'องค์ประกอบนี้ไม่ได้เชื่อมกับเส้นลำดับ',
  'SequenceFlow is a duplicate': 'เส้นลำดับนี้ซ้ำกับอีกเส้น',
  'Duplicate outgoing sequence flows': 'มีเส้นลำดับออกซ้ำกัน',
  'Duplicate incoming sequence flows': 'มีเส้นลำดับเข้าซ้ำกัน',
  'Gateway forks and joins': 'ทางแยกนี้ทั้งรวมและแยกเส้นในที่เดียว ให้แยกเป็นสองทางแยก',
  'Flow splits implicitly': 'เส้นลำดับแยกออกจากงานโดยไม่ผ่านทางแยก',
  'Element is an implicit end': 'องค์ประกอบนี้ไม่มีเส้นลำดับออก ให้ต่อไปยังจุดสิ้นสุด',
  'Element is an implicit start': 'องค์ประกอบนี้ไม่มีเส้นลำดับเข้า ให้เริ่มจากจุดเริ่มต้น',
  'Element overlaps with other element': 'องค์ประกอบนี้ทับกับองค์ประกอบอื่น',
  'Element is outside of parent boundary': 'องค์ประกอบนี้อยู่นอกขอบของกลุ่มที่มันอยู่',
  'Process has multiple blank start events': 'กระบวนงานมีจุดเริ่มต้นแบบธรรมดามากกว่าหนึ่งจุด',
  'Sub process has multiple blank start events': 'กระบวนงานย่อยมีจุดเริ่มต้นแบบธรรมดามากกว่าหนึ่งจุด',
  'Event has multiple event definitions': 'เหตุการณ์นี้มีหลายชนิดในตัวเดียว',
  'Process is missing start event': 'กระบวนงานยังไม่มีจุดเริ่มต้น',
  'Sub process is missing start event': 'กระบวนงานย่อยยังไม่มีจุดเริ่มต้น',
  'Start event must be blank': 'จุดเริ่มต้นของกระบวนงานย่อยต้องเป็นแบบธรรมดา',
  'Gateway is superfluous. It only has one source and target.':
    'ทางแยกนี้ไม่จำเป็น มีเส้นเข้าและเส้นออกอย่างละเส้นเดียว',
  'Termination is superfluous.': 'จุดสิ้นสุดแบบยุติทั้งหมดนี้ไม่จำเป็น',
};

// Lint messages with a name or a type inside them.
const THAI_PATTERNS = [
  [/^Element has disallowed type <(.+)>$/, 'govflow ไม่รองรับองค์ประกอบชนิด $1'],
  [/^Link (catch|throw) event with name <(.*)> missing in scope$/,
    'ไม่พบเหตุการณ์เชื่อมโยงชื่อ $2 ที่คู่กัน'],
  [/^Duplicate link (catch|throw) event with name <(.*)> in scope$/,
    'มีเหตุการณ์เชื่อมโยงชื่อ $2 ซ้ำกัน'],
];

function fill(template, replacements) {
  return template.replace(/{([^}]+)}/g, (whole, key) =>
    (replacements && key in replacements ? String(replacements[key]) : `{${key}}`));
}

/** The Thai of an English bpmn-js or bpmnlint string, or null when there is none. */
export function thaiOf(english) {
  if (Object.prototype.hasOwnProperty.call(THAI, english)) {
    return THAI[english];
  }
  for (const [pattern, thai] of THAI_PATTERNS) {
    if (pattern.test(english)) {
      return english.replace(pattern, thai);
    }
  }
  return null;
}

/** bpmn-js's `translate` service for ``lang``: Thai where known, else the English. */
export function translator(lang) {
  return function translate(template, replacements) {
    const text = lang === 'th' ? (thaiOf(template) ?? template) : template;
    return fill(text, replacements || {});
  };
}

/** The module to pass in bpmn-js's `additionalModules`. */
export function translateModule(lang) {
  return { translate: ['value', translator(lang)] };
}
