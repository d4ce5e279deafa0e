// The words the editor's script writes into the page (status lines, the check list, the
// conflict message), Thai and English. The page's own buttons and headings come from the
// template through babel like every other page.

const TEXT = {
  th: {
    loading: 'กำลังเปิดแผนภาพ…',
    loaded_draft: 'เปิดร่างที่บันทึกไว้ (ครั้งที่ {revision}) โดย {who} เมื่อ {when}',
    loaded_version: 'เปิดฉบับที่ {version} ที่ใช้อยู่ ยังไม่มีร่าง',
    load_failed: 'เปิดแผนภาพไม่ได้: {reason}',
    import_warnings: 'เปิดได้ แต่มีส่วนที่ตัวแก้ไขอ่านไม่ได้ {count} จุด',
    opened_file: 'เปิดไฟล์ {name} แล้ว ยังไม่ได้บันทึก',
    unsaved: 'มีการแก้ไขที่ยังไม่ได้บันทึก',
    saving: 'กำลังบันทึกร่าง…',
    saved: 'บันทึกร่างแล้ว (ครั้งที่ {revision})',
    save_failed: 'บันทึกไม่ได้: {reason}',
    conflict: 'มีร่างที่ใหม่กว่าบันทึกไว้แล้วโดย {who} จึงไม่ได้บันทึกทับ การแก้ไขของท่านยังอยู่ในตัวแก้ไข ดาวน์โหลดไฟล์เก็บไว้ได้',
    discarded: 'ยกเลิกร่างแล้ว เปิดฉบับที่ใช้อยู่',
    discard_confirm: 'ยกเลิกร่างนี้และกลับไปใช้ฉบับที่ใช้อยู่หรือไม่ การแก้ไขในร่างจะหายไป',
    nothing_to_discard: 'ยังไม่มีร่างที่บันทึกไว้',
    drafts_unavailable: 'ยังบันทึกร่างไม่ได้ในระบบนี้ ดาวน์โหลดไฟล์แล้วอัปโหลดที่หน้ากระบวนงานแทน',
    editing_too: 'กำลังแก้ไขพร้อมกัน: {names}',
    check_running: 'กำลังตรวจ…',
    check_ok: 'ผ่านการตรวจ ไม่พบปัญหา',
    check_counts: 'ข้อผิดพลาด {errors} รายการ คำเตือน {warnings} รายการ',
    check_unavailable: 'ยังตรวจระหว่างแก้ไขไม่ได้ในระบบนี้ ระบบจะตรวจเมื่อบันทึกหรือติดตั้ง',
    check_failed: 'ตรวจไม่สำเร็จ: {reason}',
    deploy_blocked: 'ติดตั้งไม่ได้จนกว่าจะแก้ข้อผิดพลาดทั้งหมด',
    severity_error: 'ข้อผิดพลาด',
    severity_warning: 'คำเตือน',
    severity_notice: 'ข้อสังเกต',
    show_element: 'ไปที่ {name}',
    whole_file: 'ทั้งไฟล์',
    line: 'บรรทัด {line}',
    someone: 'ผู้ใช้อื่น',
    leave_warning: 'มีการแก้ไขที่ยังไม่ได้บันทึก',
    not_bpmn: 'ไฟล์ {name} ไม่ใช่ไฟล์ BPMN ที่ตัวแก้ไขเปิดได้: {reason}',
  },
  en: {
    loading: 'Opening the diagram…',
    loaded_draft: 'Opened the saved draft (revision {revision}) by {who}, {when}',
    loaded_version: 'Opened version {version}, the current one; there is no draft yet',
    load_failed: 'The diagram could not be opened: {reason}',
    import_warnings: 'Opened, but the editor could not read {count} parts of it',
    opened_file: 'Opened {name}; not saved yet',
    unsaved: 'Changes not saved yet',
    saving: 'Saving the draft…',
    saved: 'Draft saved (revision {revision})',
    save_failed: 'Not saved: {reason}',
    conflict: '{who} has saved a newer draft, so yours was not saved over it. Your changes are still in the editor; you can download them as a file.',
    discarded: 'Draft discarded; the current version is open',
    discard_confirm: 'Discard this draft and go back to the current version? The changes in the draft will be lost.',
    nothing_to_discard: 'There is no saved draft',
    drafts_unavailable: 'Drafts cannot be saved here yet: download the file and upload it on the processes page instead',
    editing_too: 'Also editing now: {names}',
    check_running: 'Checking…',
    check_ok: 'Checked: no problems',
    check_counts: '{errors} errors, {warnings} warnings',
    check_unavailable: 'Live checks are not available here yet; the file is checked when it is saved or deployed',
    check_failed: 'The check failed: {reason}',
    deploy_blocked: 'Deploying is possible once every error is fixed',
    severity_error: 'Error',
    severity_warning: 'Warning',
    severity_notice: 'Notice',
    show_element: 'Go to {name}',
    whole_file: 'Whole file',
    line: 'line {line}',
    someone: 'another user',
    leave_warning: 'There are unsaved changes',
    not_bpmn: '{name} is not a BPMN file the editor can open: {reason}',
  },
};

/** ``t(key, values)`` in ``lang``; a key it does not know comes back as itself. */
export function texts(lang) {
  const table = TEXT[lang] || TEXT.th;
  return function t(key, values) {
    const template = table[key] ?? TEXT.th[key] ?? key;
    return template.replace(/{([^}]+)}/g, (whole, name) =>
      (values && name in values ? String(values[name]) : whole));
  };
}
