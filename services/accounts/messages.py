"""Vietnamese renderings of every message the accounts service raises.

The gateway registers them with `gateway.i18n.register`; English is the key.
"""

VI = {
    "E-mail already registered": "Địa chỉ e-mail đã được đăng ký",
    "Already registered.": "Đã được đăng ký.",
    "Account not activated yet": "Tài khoản chưa được kích hoạt",
    "Wrong e-mail or password": "E-mail hoặc mật khẩu không đúng",
    "Invalid client credentials": "Thông tin xác thực của ứng dụng không đúng",
    "Invalid or already used link": "Liên kết không hợp lệ hoặc đã được sử dụng",
    "Invalid.": "Không hợp lệ.",
    "This link has expired": "Liên kết đã hết hạn",
    "Expired.": "Đã hết hạn.",
    "Too many attempts": "Bạn đã thử quá nhiều lần, vui lòng thử lại sau",
    "Scope not allowed": "Phạm vi truy cập không được phép",
    "Not allowed.": "Không được phép.",
    "Unsupported grant type": "Kiểu cấp quyền không được hỗ trợ",
    "Must be client_credentials.": "Phải là client_credentials.",
    "Province not found": "Không tìm thấy tỉnh/thành phố",
    "Unknown province.": "Tỉnh/thành phố không tồn tại.",
    "Agency not found": "Không tìm thấy cơ quan",
    "Unknown agency.": "Cơ quan không tồn tại.",
    "Unknown department.": "Phòng ban không tồn tại.",
    "Already exists": "Đã tồn tại",
    "Already exists.": "Đã tồn tại.",
    "Role not grantable.": "Bạn không thể cấp vai trò này.",
    "You cannot deactivate yourself": "Bạn không thể tự khóa tài khoản của mình",
    "Only businesses have this field.": "Chỉ doanh nghiệp có trường này.",
    "Not a valid code.": "Mã không hợp lệ.",
    "Not a valid province code.": "Mã tỉnh/thành phố không hợp lệ.",
    "Not a valid Vietnamese phone number.": "Số điện thoại Việt Nam không hợp lệ.",
    "National ID must have exactly 12 digits.": "Số CCCD phải gồm đúng 12 chữ số.",
    "National ID has an unknown province code.": "Số CCCD có mã tỉnh không hợp lệ.",
    "National ID has an impossible birth year.": "Số CCCD có năm sinh không hợp lệ.",
    "Tax code must have 10 digits, or 10 digits, a dash and 3 digits.": (
        "Mã số thuế phải gồm 10 chữ số, hoặc 10 chữ số, dấu gạch ngang và 3 chữ số."
    ),
    "Tax code check digit is wrong.": "Mã số thuế sai chữ số kiểm tra.",
    "Tax code branch number cannot be 000.": (
        "Số thứ tự đơn vị phụ thuộc của mã số thuế không được là 000."
    ),
    "Password must have 10 to 128 characters.": "Mật khẩu phải có từ 10 đến 128 ký tự.",
    "Password must contain letters and digits.": "Mật khẩu phải có cả chữ và số.",
    "Officers and leaders need a department.": (
        "Chuyên viên và lãnh đạo phải thuộc một phòng ban."
    ),
    "CSRF token missing or invalid": (
        "Thiếu hoặc sai mã chống giả mạo yêu cầu (X-CSRF-Token)"
    ),
    "Unsupported content type": "Kiểu nội dung không được hỗ trợ",
}
