def check_output(args, stdout, exit_code):
    return None
