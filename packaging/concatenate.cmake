# cmake -DOUTPUT=FILE -DHEADER=FILE "-DPARTS=A|B|..." -P concatenate.cmake:
# writes HEADER, then each part after a separator line, into OUTPUT.
file(READ ${HEADER} text)
string(REPLACE "|" ";" parts "${PARTS}")
foreach(part IN LISTS parts)
  file(READ ${part} body)
  string(APPEND text "\n-------------------------------------------------------------------------------\n\n" "${body}")
endforeach()
file(WRITE ${OUTPUT} "${text}")
